def seed_orgs(*, size, stdout):
    pass
