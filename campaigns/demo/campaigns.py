"""Demo data for campaigns (being built)."""


def build(world) -> None:
    return None
