"""``python -m socanalysis`` runs the command line."""

from socanalysis.cli import main

if __name__ == "__main__":
    main()
