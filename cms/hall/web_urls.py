from django.urls import path

from cms.hall import web

app_name = "queue"
urlpatterns = [path("<slug:centre>/", web.web_ticket, name="web_ticket")]
