//! The `partner-portal` binary's library: its command line, its JSON API and the
//! composition of the whole server. Kept as a library so tests run the real thing.

pub mod api;
pub mod app;
pub mod cli;
pub mod health;
pub mod serve;
pub mod telemetry;
