"""One tracker per concern of the room's state, each updated from the message's one read.

`apply_message` runs them in the order their inputs need: the bot's record first (a reply
to the bot is a response, not a new thread), then who speaks to whom, the group's questions,
proposals and terms, the room's heat and goal, and the window last.
"""
