"""What the agenda tells the parts above it, without knowing them.

``conference`` may not import ``registration``; registration learns of a
published version by connecting to :data:`agenda_published` (see
``registration.notices``) and answers with how many delegates it told.
"""

from django.dispatch import Signal

# Sent by services.publish_agenda inside its transaction, with ``version``
# (the new AgendaVersion) and ``notify`` (whether the organiser asked to
# e-mail the delegates concerned). Receivers return the number of delegates
# they notified.
agenda_published = Signal()
