"""Demo data for progress (being built)."""


def build(world) -> None:
    return None
