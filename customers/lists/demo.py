"""Demo data of this feature, loaded by `manage.py seed_demo`."""


def seed(*, users, rng, stdout):
    """``users``: username -> User of the demo company; ``rng``: a seeded random.Random."""
