//! The real server on port 0, with a fresh SQLite database per test.

mod bookings;
mod cli;
mod helpers;
mod locked_database;
mod probes;
mod process;
mod serve_binary;
mod stopping;
mod webhook;
mod webhook_auth;
mod webhook_hostile;
mod webhook_input;
