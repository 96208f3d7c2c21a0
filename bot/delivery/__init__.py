"""Delivery: the outbox worker (`worker`) and what it sends for each kind of row (`senders`)."""

from bot.delivery.worker import OutboxWorker

__all__ = ["OutboxWorker"]
