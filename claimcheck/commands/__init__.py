"""One module per subcommand; ``claimcheck.cli`` imports them on demand."""
