"""Demo data for volunteering (being built)."""


def build(world) -> None:
    return None
