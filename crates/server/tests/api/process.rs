//! The real binary in a process of its own, and the JSON log lines it writes.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, ChildStderr, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde_json::Value;

use crate::helpers::cli_command;

/// A `serve` process and the JSON log lines it has written so far.
pub struct Server {
    pub child: Child,
    address: SocketAddr,
    pub log: mpsc::Receiver<Value>,
}

impl Server {
    pub fn start(database_url: &str) -> Self {
        Self::start_with(database_url, &[])
    }

    pub fn start_with(database_url: &str, flags: &[&str]) -> Self {
        let args = [&["serve", "--bind", "127.0.0.1:0"], flags].concat();
        let mut child = cli_command(database_url, &args)
            .env("PORTAL_LOG_FORMAT", "json")
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let log = follow(child.stderr.take().unwrap());

        let mut server = Self {
            child,
            address: ([0, 0, 0, 0], 0).into(),
            log,
        };
        let listening = server.log_until(|message| message == "partner portal listening");
        let address = listening.last().unwrap()["address"].as_str().unwrap();
        server.address = address.parse().unwrap();
        server
    }

    /// The log lines up to and including the first whose message passes `wanted`.
    pub fn log_until(&self, wanted: impl Fn(&str) -> bool) -> Vec<Value> {
        let mut lines = Vec::new();
        loop {
            let Ok(line) = self.log.recv_timeout(Duration::from_secs(30)) else {
                panic!("the awaited log line never came; the log so far: {lines:#?}");
            };
            let found = wanted(line["message"].as_str().unwrap_or_default());
            lines.push(line);
            if found {
                return lines;
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Posts `body` to the webhook, with `secret` in `X-API-Key` if there is one.
    pub async fn deliver(&self, secret: Option<&str>, body: &Value) -> reqwest::Response {
        let mut request = reqwest::Client::new()
            .post(self.url("/webhooks/kaddio"))
            .json(body);
        if let Some(secret) = secret {
            request = request.header("X-API-Key", secret);
        }
        request.send().await.expect("the webhook answers")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads the process's JSON log lines on a thread of their own.
fn follow(stderr: ChildStderr) -> mpsc::Receiver<Value> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let value = serde_json::from_str(&line)
                .unwrap_or_else(|_| panic!("a log line that is not JSON: {line}"));
            if sender.send(value).is_err() {
                break;
            }
        }
    });
    receiver
}

pub fn run_cli(database_url: &str, args: &[&str]) -> String {
    let output = cli_command(database_url, args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

pub fn last_line(text: &str) -> String {
    text.lines().last().unwrap().to_owned()
}
