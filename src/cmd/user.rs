//! `arhiva user add NAME --role consultant|arhivist|admin [--password-stdin]
//! [--full-name "Maria Ionescu" --function inspector]`,
//! `arhiva user set NAME --full-name ... --function ...`,
//! `arhiva user passwd NAME`, `arhiva user disable|enable NAME`,
//! `arhiva user list`. Users are journaled records; while `arhiva serve`
//! runs it holds the archive, so manage users from its admin page then.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Context};
use arhiva_server::auth::Role;
use arhiva_server::users;
use arhiva_store::{Archive, StoreError};

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a user (the password is asked on the terminal).
    Add {
        /// User name: 2-32 of a-z 0-9 . _ -, starting with a letter.
        name: String,
        /// consultant (reads, CNP masked), arhivist (reads all, person
        /// search), admin (also users and audit log).
        #[arg(long)]
        role: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
        /// Full name, printed under "Întocmit" on the documents the user
        /// issues (default: the user name).
        #[arg(long, default_value = "")]
        full_name: String,
        /// Function ("funcția"), e.g. inspector, arhivist.
        #[arg(long, default_value = "")]
        function: String,
    },
    /// Set the full name and function printed on the documents a user issues.
    Set {
        /// User name.
        name: String,
        /// Full name.
        #[arg(long)]
        full_name: String,
        /// Function ("funcția"), e.g. inspector, arhivist.
        #[arg(long, default_value = "")]
        function: String,
    },
    /// Set a new password.
    Passwd {
        /// User name.
        name: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user: no login, sessions end.
    Disable {
        /// User name.
        name: String,
    },
    /// Enable a disabled user.
    Enable {
        /// User name.
        name: String,
    },
    /// List users.
    List,
}

/// Open the archive; only `user add` may start one in a fresh folder.
fn open_or_create(config: &Config, create: bool) -> anyhow::Result<Archive> {
    let opened = if create {
        Archive::open(&config.data)
    } else {
        Archive::open_existing(&config.data)
    };
    match opened {
        Ok(a) => Ok(a),
        Err(StoreError::CatalogLocked { .. }) => bail!(
            "the archive at {} is held by a running `arhiva serve`: manage users on its page \
             /admin/utilizatori, or stop the server and run this again",
            config.data.display()
        ),
        Err(e) => Err(e)
            .with_context(|| format!("failed to open the archive at {}", config.data.display())),
    }
}

pub fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        UserCommand::Add {
            name,
            role,
            password_stdin,
            full_name,
            function,
        } => {
            let role: Role = role.parse()?;
            users::validate_name(&name)?;
            let identity = users::Identity::new(&full_name, &function)?;
            let password = read_password(&name, password_stdin)?;
            let archive = open_or_create(config, true)?;
            users::add_with(&archive, &name, role, &password, &identity)?;
            println!("user {name} added ({})", role.as_str());
        }
        UserCommand::Set {
            name,
            full_name,
            function,
        } => {
            let identity = users::Identity::new(&full_name, &function)?;
            users::set_identity(&open_or_create(config, false)?, &name, &identity)?;
            println!("user {name}: {full_name} ({function})");
        }
        UserCommand::Passwd {
            name,
            password_stdin,
        } => {
            let password = read_password(&name, password_stdin)?;
            let archive = open_or_create(config, false)?;
            users::set_password(&archive, &name, &password)?;
            println!("password of {name} changed");
        }
        UserCommand::Disable { name } => {
            users::set_disabled(&open_or_create(config, false)?, &name, true)?;
            println!("user {name} disabled");
        }
        UserCommand::Enable { name } => {
            users::set_disabled(&open_or_create(config, false)?, &name, false)?;
            println!("user {name} enabled");
        }
        UserCommand::List => {
            for (name, u) in users::list(&open_or_create(config, false)?)? {
                let state = if u.disabled { "disabled" } else { "active" };
                println!(
                    "{name}\t{}\t{state}\t{}\t{}\t{}",
                    u.role.as_str(),
                    u.created,
                    u.full_name,
                    u.function
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A password from stdin (`--password-stdin`) or asked twice on the
/// terminal without echo.
fn read_password(name: &str, from_stdin: bool) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if from_stdin {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("failed to read the password from stdin")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    if !stdin.is_terminal() {
        bail!("no terminal to ask the password on: use --password-stdin");
    }
    let first = ask(&format!("password for {name}: "))?;
    let second = ask("again: ")?;
    if first != second {
        bail!("the passwords differ");
    }
    Ok(first)
}

fn ask(prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush().ok();
    let echo_off = stty("-echo");
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if echo_off {
        stty("echo");
        eprintln!();
    }
    read.context("failed to read the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Switch terminal echo with `stty` (no unsafe code needed here).
fn stty(arg: &str) -> bool {
    std::process::Command::new("stty")
        .arg(arg)
        .stdin(std::process::Stdio::inherit())
        .status()
        .is_ok_and(|s| s.success())
}
