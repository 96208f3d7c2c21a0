"""Domain services: no Telegram here, so each is tested directly."""
