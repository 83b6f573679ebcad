"""The Telegram bot: a thin channel over the ConversationService (``build_application``)."""
