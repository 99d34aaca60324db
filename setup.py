"""Only what pyproject.toml cannot say: the top-level templates/ folder ships as the subpackage campaigns.templates.

setuptools' package finder sees only folders under campaigns/, so the mapped subpackage is added to its list here
(the package-dir mapping and the package data are in pyproject.toml).
"""

from setuptools import find_namespace_packages, setup

setup(packages=[*find_namespace_packages(include=["campaigns*"]), "campaigns.templates"])
