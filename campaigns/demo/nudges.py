"""Demo data for nudges (being built)."""


def build(world) -> None:
    return None
