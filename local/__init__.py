"""The embedded default: AWS emulators, the Lambda runner, the demo."""
