//! The router and serving it until the bot stops.
