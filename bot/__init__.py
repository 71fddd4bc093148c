"""Where we talk: the Telegram application and the ``probation-bot`` command line.

Only this package imports telegram, and only ``bot.app`` and the modules it loads do so, so the
terminal commands start quickly without it.
"""
