"""The settings, for deployment scripts at the repository root (`python -c "import config; print(config.load())"`).

The classes live in the package (campaigns/settings.py), so an installed app has them without this file; the app
never imports this module, and the wheel does not install it (README "Configuration").
"""

from campaigns.settings import CONFIGS, Config, DevelopmentConfig, ProductionConfig, TestingConfig, load

__all__ = ["CONFIGS", "Config", "DevelopmentConfig", "ProductionConfig", "TestingConfig", "load"]
