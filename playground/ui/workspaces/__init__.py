"""The workspace in the address bar and the History page: restoring
``?ws=``, links, token parameters removed, saved workspaces listed.
"""
