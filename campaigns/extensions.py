"""Unbound extension singletons, bound to an app in create_app()."""

from flask_login import LoginManager
from flask_wtf import CSRFProtect

from campaigns.api.problems import CampaignsApi

api = CampaignsApi()
csrf = CSRFProtect()
login_manager = LoginManager()
