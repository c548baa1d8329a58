def configure(parser):
    pass


def run(args) -> dict:
    from pipeline.migrate import migrate

    return migrate()
