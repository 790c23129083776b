"""A multi-room TCP chat server (lab 03). Start it with: python -m chat.server --port 7003"""
