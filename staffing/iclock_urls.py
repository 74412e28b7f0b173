"""The iClock / ADMS push paths, mounted at `/iclock/` by `config/urls.py` (terminals call them as they are;
some firmwares add `.aspx`)."""

from django.urls import path

from . import iclock_views

app_name = "iclock"

urlpatterns = [
    path("cdata", iclock_views.cdata, name="cdata"),
    path("cdata.aspx", iclock_views.cdata),
    path("getrequest", iclock_views.getrequest, name="getrequest"),
    path("getrequest.aspx", iclock_views.getrequest),
    path("devicecmd", iclock_views.devicecmd, name="devicecmd"),
    path("devicecmd.aspx", iclock_views.devicecmd),
]
