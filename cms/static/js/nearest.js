// 就近跑一次: where the browser may tell its position, offer it beside the town list (the list works without this).
(function () {
  "use strict";
  var form = document.querySelector("form[data-nearest]");
  if (!form || !("geolocation" in navigator)) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button-secondary";
  button.textContent = form.getAttribute("data-locate-label");
  var status = document.createElement("p");
  status.setAttribute("role", "status");
  button.addEventListener("click", function () {
    status.textContent = form.getAttribute("data-locating-label");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var near = position.coords.latitude.toFixed(5) + "," + position.coords.longitude.toFixed(5);
        window.location.assign("?near=" + near + "#where-heading");
      },
      function () { status.textContent = form.getAttribute("data-denied-label"); },
      { timeout: 10000, maximumAge: 600000 }
    );
  });
  form.appendChild(button);
  form.appendChild(status);
})();
