"""Sitbone: rehabilitation software for proximal hamstring tendinopathy."""

__version__ = "0.1.0"
