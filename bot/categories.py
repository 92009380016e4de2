"""/category: list the categories, add one of your own, rename or merge it."""

from __future__ import annotations

import re

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.render import categories as render
from bot.runtime import call
from services.usecases import categories

USAGE = (
    "Usage: /category (lists them) · /category add Pets need · "
    "/category rename Pets to Pet care · /category merge Pet care into Other"
)
_RENAME = re.compile(r"^(?P<old>.+?)\s+(?:to|->|→)\s+(?P<new>.+)$", re.IGNORECASE)
_MERGE = re.compile(r"^(?P<old>.+?)\s+(?:into|->|→)\s+(?P<new>.+)$", re.IGNORECASE)


async def category_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List, add, rename or merge categories."""
    message = update.effective_message
    assert message
    args = context.args or []
    verb, rest = (args[0].casefold(), " ".join(args[1:])) if args else ("", "")
    if not args or verb == "list":
        listed = await call(update, context, categories.list_categories)
        await message.reply_text(render.categories_reply(listed).html, parse_mode=ParseMode.HTML)
        return
    if verb == "add" and len(args) >= 3:
        change = await call(
            update, context, categories.add_category, name=" ".join(args[1:-1]), need=args[-1]
        )
    elif verb == "rename" and (match := _RENAME.match(rest)):
        change = await call(update, context, categories.rename_category, old=match["old"], new=match["new"])
    elif verb == "merge" and (match := _MERGE.match(rest)):
        change = await call(
            update, context, categories.merge_category, source=match["old"], into=match["new"]
        )
    else:
        await message.reply_text(USAGE)
        return
    await message.reply_text(render.changed(change))
