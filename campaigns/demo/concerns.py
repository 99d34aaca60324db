"""Demo data for concerns (being built)."""


def build(world) -> None:
    return None
