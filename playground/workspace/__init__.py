"""The saved state (``types``: Workspace, Card, Message, never a token) and
what comes in and goes out of it: attachments, images, file names, export and the
import's bounded scan, deep links, how a model is named.
"""
