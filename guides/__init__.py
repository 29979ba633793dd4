"""OneTrip's pure core: the guide standard, the catalogue, search, hours and metrics. No Django, no Kivy."""
