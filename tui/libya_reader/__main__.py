from libya_reader.cli import main

# The guard matters: the analysis process is started with "spawn", which imports the
# parent's main module again in the child.
if __name__ == "__main__":
    raise SystemExit(main())
