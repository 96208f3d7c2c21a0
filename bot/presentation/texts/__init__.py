"""Every text the bot sends, split by who reads it so wording is reviewed together:

- `common`: the bot's name, apologies, stale buttons, the status names;
- `resident`: private chat (menus, answers, the complaint flow, tracking, notices);
- `officer`: OPD groups (the card, prompts, refusals, relayed messages, reminders);
- `admin`: Kominfostan staff (group links, triage, statistics, exports, escalations).

Callers write `from bot.presentation import texts` and `texts.NAME`: one namespace, no
name is defined twice (tests/bot/presentation/test_texts.py checks it).
"""

from bot.presentation.texts.admin import *  # noqa: F403
from bot.presentation.texts.common import *  # noqa: F403
from bot.presentation.texts.officer import *  # noqa: F403
from bot.presentation.texts.resident import *  # noqa: F403
from bot.presentation.texts.resident import complaint_offer, topic_answer  # noqa: F401

AUDIENCES = ("common", "resident", "officer", "admin")
