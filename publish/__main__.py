"""`python -m publish …`: the same command line as the `publish` executable (`publish.cli.run`)."""

from publish.cli import run

if __name__ == "__main__":
    run()
