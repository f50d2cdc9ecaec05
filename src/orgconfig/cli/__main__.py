"""``python -m orgconfig.cli``: the ``orgconfig`` command."""

from orgconfig.cli import main

if __name__ == "__main__":
    main()
