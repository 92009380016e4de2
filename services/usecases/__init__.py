"""The application layer: one function per thing a person does, the only way the chat, the
command line and the web page reach the domain, so the same input gets the same answer at
every door.

Each function takes the session (the door opens and commits the transaction) and the person,
keyword-only, and returns a frozen dataclass of data: minor units, enums, ids, dates. No
HTML and no sentences: each door renders them its own way. Bad input raises a LeakBotError
whose message is safe to show, and changes nothing.

| module    | use cases                                                                          |
|-----------|------------------------------------------------------------------------------------|
| people    | person (register or look up), forget                                               |
| entries   | log_message, log_text, recent, undo_last, delete_entry, edit_entry,                |
|           | record_verdict, category_menu, pick_category, move_to, new_category_for            |
| categories| list_categories, add_category, rename_category, merge_category                     |
| imports   | import_file, revert_import, list_imports, merge_duplicate, keep_both, export_entries |
| questions | answer                                                                             |
| reports   | chart, dashboard, report, digest_preview, digest_for_week, overview                |
| account   | settings, change_setting, set_timezone_at, budgets, set_budget, digest_schedule,   |
|           | set_digest_schedule                                                                |
| learning  | train, nightly_training, model_status, subscriptions, set_subscription,            |
|           | renewal_reminders                                                                  |
| digests   | due_digests, claim_digest, build_digest, record_delivery (the weekly scheduler)    |
| board     | board (the Mini App's month; its taps use entries' record_verdict, category_menu,  |
|           | move_to)                                                                           |

Heavy libraries (pandas, matplotlib, scikit-learn) are imported inside the use cases that
need them, so logging a spend or showing help loads none of them.
"""
