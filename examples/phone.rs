//! A small phone CLI: the phone half of the two-terminal example (the
//! other is `appliance`).
//!
//! ```text
//! cargo run --example phone -- [--store FILE] [--addr ADDR] [--lan] COMMAND
//!
//!   discover                      find appliances (mDNS, else a unicast probe)
//!   pair CODE                     pair with a QR string, a manual code or a setup code
//!   describe                      list endpoints, capabilities, attributes, commands
//!   read EP CAP [ATTR...]         read attributes (names or numbers)
//!   write EP CAP ATTR VALUE       write one attribute
//!   invoke EP CAP CMD [F=V...]    invoke a command with named arguments
//!   watch EP [SECONDS]            subscribe and print reports and events
//!   share [SECONDS]               (admin) open a window for another phone and
//!                                 print its one-time code (default 300 s)
//!   pairings                      (admin) list the appliance's pairings
//!   remove [KEY]                  (admin) remove the pairing whose static key
//!                                 starts with KEY (hex); without KEY, this
//!                                 phone's own pairing
//! ```
//!
//! The phone keeps its key and pairings in `--store` (default
//! `applink-phone.store` in the working directory), so after a restart it
//! resumes (one round trip) instead of pairing again. Every failure is one
//! line on stderr and a non-zero exit status.

use core::net::SocketAddr;
use core::time::Duration;
use std::path::PathBuf;
use std::process::ExitCode;

use applink::descriptor::{Capability, OwnedDescriptor, Type};
use applink::discovery::{Discovery, DiscoveryError};
use applink::interaction::clients;
use applink::message::{EndpointId, Field, Read, Seq, Subscribe, Value};
use applink::node::client::{Client, Notification};
use applink::node::file_store::FileStore;
use applink::node::owned::OwnedValue;
use applink::node::store::PhoneStore;
use applink::onboarding::{Discriminator, Flags, ManualCode, QrPayload, Transports};
use applink::session::pairing::DeviceId;
use applink::transport::udp::UdpLink;

type Phone = Client<FileStore, UdpLink>;

struct Args {
    store: PathBuf,
    addr: Option<SocketAddr>,
    lan: bool,
    command: Vec<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        store: PathBuf::from("applink-phone.store"),
        addr: None,
        lan: false,
        command: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--store" => a.store = it.next().ok_or("--store needs a file")?.into(),
            "--addr" => {
                let v = it.next().ok_or("--addr needs an address")?;
                a.addr = Some(v.parse().map_err(|_| format!("not an address: {v}"))?);
            }
            "--lan" => a.lan = true,
            _ => {
                a.command.push(arg);
                a.command.extend(it.by_ref());
            }
        }
    }
    if a.command.is_empty() {
        return Err(
            "no command: discover, pair, describe, read, write, invoke, watch, share, pairings or remove"
                .into(),
        );
    }
    Ok(a)
}

fn discovery(a: &Args) -> Discovery {
    if a.lan {
        Discovery::lan()
    } else {
        Discovery::loopback()
    }
}

/// Finds one appliance: mDNS first, then a probe of `--addr` (or the
/// default port on loopback). Says which, and why mDNS did not answer.
fn find(a: &Args) -> Result<(SocketAddr, DeviceId), String> {
    let d = discovery(a);
    match d.browse(Duration::from_secs(2)) {
        Ok(found) if !found.found.is_empty() => {
            let f = &found.found[0];
            let id = f
                .advertisement
                .device_id()
                .ok_or("the appliance is paired already")?;
            println!(
                "found {} over mDNS at {}",
                String::from_utf8_lossy(&id),
                f.addr
            );
            return Ok((f.addr, id));
        }
        Ok(_) => println!("mDNS: nobody answered"),
        Err(e) => println!("mDNS: {e}"),
    }
    let addr = a
        .addr
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 5540)));
    let probed = d
        .probe(addr, Duration::from_secs(2))
        .map_err(|e: DiscoveryError| format!("probe {addr}: {e}"))?;
    let id = probed.accept.device_id.0;
    println!(
        "found {} by probing {addr} ({} µs)",
        String::from_utf8_lossy(&id),
        probed.round_trip.as_micros()
    );
    Ok((addr, id))
}

fn open(a: &Args) -> Result<Phone, String> {
    let store = FileStore::open(&a.store).map_err(|e| format!("{}: {e}", a.store.display()))?;
    let bind = if a.lan { "0.0.0.0:0" } else { "127.0.0.1:0" };
    let link = UdpLink::bind(bind).map_err(|e| e.to_string())?;
    Client::new(link, store).map_err(|e| e.to_string())
}

/// Resumes with the appliance this phone paired with.
fn connect(a: &Args, phone: &mut Phone) -> Result<(), String> {
    let ids = phone.phone().store().appliances();
    let id = *ids
        .first()
        .ok_or("not paired with anything: run `pair CODE` first")?;
    let known = phone.phone().store().appliance(&id).ok_or("store")?;
    let addr = match (a.addr, known.last_address.as_deref()) {
        (Some(addr), _) => addr,
        (None, Some(last)) => last.parse().map_err(|_| format!("stored address {last}"))?,
        (None, None) => find(a)?.0,
    };
    phone.resume(addr, id).map_err(|e| format!("resume: {e}"))
}

fn pair(a: &Args, phone: &mut Phone, code: &str) -> Result<(), String> {
    let (addr, device) = match QrPayload::parse(code) {
        Ok(qr) => {
            let addr = match a.addr {
                Some(addr) => addr,
                None => find(a)?.0,
            };
            let digits = qr.setup_code;
            let code = core::str::from_utf8(digits.as_bytes()).map_err(|e| e.to_string())?;
            let id = phone
                .pair_with_device(addr, code, qr.device_id)
                .map_err(|e| format!("pair: {e}"))?;
            (addr, id)
        }
        Err(_) => {
            // A manual code, or the bare 8-digit setup code.
            let setup = match ManualCode::parse(code) {
                Ok(m) => m.setup_code,
                Err(manual) => applink::crypto::setup_code::SetupCode::parse(code)
                    .map_err(|_| format!("not a QR string, manual code or setup code: {manual}"))?,
            };
            let addr = match a.addr {
                Some(addr) => addr,
                None => find(a)?.0,
            };
            let code = core::str::from_utf8(setup.as_bytes()).map_err(|e| e.to_string())?;
            let id = phone.pair(addr, code).map_err(|e| format!("pair: {e}"))?;
            (addr, id)
        }
    };
    let store = phone.phone_mut().store_mut();
    if let Some(mut known) = store.appliance(&device) {
        known.last_address = Some(addr.to_string());
        store
            .put_appliance(device, known)
            .map_err(|e| e.to_string())?;
    }
    println!("paired with {} at {addr}", String::from_utf8_lossy(&device));
    Ok(())
}

fn capability<'d>(
    d: &'d OwnedDescriptor,
    endpoint: &str,
    name: &str,
) -> Result<(EndpointId, Capability<'d>), String> {
    let ep: u16 = endpoint
        .parse()
        .map_err(|_| format!("not an endpoint number: {endpoint}"))?;
    let e = d
        .device()
        .endpoint(EndpointId(ep))
        .ok_or(format!("no endpoint {ep}"))?;
    let cap = e
        .capabilities
        .iter()
        .find(|c| c.name == name || c.id.0.to_string() == name)
        .ok_or(format!("endpoint {ep} has no capability {name}"))?;
    Ok((EndpointId(ep), cap))
}

/// A value typed on the command line, as the descriptor types it. The
/// requests own their values, so a string argument lives as long as the
/// program.
fn value(ty: &Type<'_>, text: &str) -> Result<Value<'static>, String> {
    let text: &'static str = Box::leak(text.to_owned().into_boxed_str());
    Ok(match ty {
        Type::Bool => match text {
            "true" | "on" | "1" => Value::Bool(true),
            "false" | "off" | "0" => Value::Bool(false),
            _ => return Err(format!("not a bool: {text}")),
        },
        Type::Int(t) => {
            let real: f64 = text.parse().map_err(|_| format!("not a number: {text}"))?;
            clients::to_raw(t, real).map_err(|e| e.to_string())?
        }
        Type::Float { .. } => {
            Value::F32(text.parse().map_err(|_| format!("not a number: {text}"))?)
        }
        Type::Enum { values } => match values.iter().find(|n| n.name == text) {
            Some(n) => Value::Enum(n.value),
            None => Value::Enum(text.parse().map_err(|_| format!("no member {text}"))?),
        },
        Type::Str { .. } => Value::Str(text),
        other => {
            return Err(format!(
                "values of type {other:?} are not typed on the command line"
            ));
        }
    })
}

fn show(v: &OwnedValue) -> String {
    match v {
        OwnedValue::Null => "null".into(),
        OwnedValue::Bool(b) => b.to_string(),
        OwnedValue::Unsigned(x) | OwnedValue::Bitmap(x) => x.to_string(),
        OwnedValue::Signed(x) => x.to_string(),
        OwnedValue::Float(x) => x.to_string(),
        OwnedValue::Str(s) => format!("{s:?}"),
        OwnedValue::Enum(x) => format!("#{x}"),
        other => format!("{other:?}"),
    }
}

fn records(d: &OwnedDescriptor, records: &[applink::node::owned::OwnedRecord]) {
    for r in records {
        let cap = d
            .device()
            .endpoint(r.endpoint)
            .and_then(|e| e.capability(r.capability));
        for (id, v) in &r.values {
            let name = cap
                .and_then(|c| c.attribute(*id))
                .map_or_else(|| id.0.to_string(), |a| a.name.to_string());
            let cap_name = cap.map_or_else(|| r.capability.0.to_string(), |c| c.name.to_string());
            println!("{}.{cap_name}.{name} = {}", r.endpoint.0, show(v));
        }
    }
}

fn run() -> Result<(), String> {
    let a = args()?;
    let cmd: Vec<&str> = a.command.iter().map(String::as_str).collect();
    if cmd[0] == "discover" {
        return find(&a).map(|_| ());
    }
    let mut phone = open(&a)?;
    if let ["pair", code] = cmd[..] {
        return pair(&a, &mut phone, code);
    }
    connect(&a, &mut phone)?;
    let d = phone.describe().map_err(|e| format!("describe: {e}"))?;
    match cmd[..] {
        ["describe"] => {
            let dev = d.device();
            // The descriptor names the model by number; its name is a
            // `basic_information` attribute.
            let name = phone
                .product_name()
                .map_err(|e| format!("read basic_information: {e}"))?;
            println!(
                "{} (vendor {:#06x}, product {:#06x})",
                name.as_deref().unwrap_or("unnamed product"),
                dev.info.vendor.0,
                dev.info.product
            );
            for e in dev.endpoints.iter() {
                println!("endpoint {}", e.id.0);
                for c in e.capabilities.iter() {
                    let attrs: Vec<&str> = c.attributes.iter().map(|x| x.name).collect();
                    let cmds: Vec<&str> = c.commands.iter().map(|x| x.name).collect();
                    println!("  {}: attributes {attrs:?}, commands {cmds:?}", c.name);
                }
            }
        }
        ["read", ep, cap, ref attrs @ ..] => {
            let (endpoint, c) = capability(&d, ep, cap)?;
            let mut ids = Vec::new();
            for name in attrs {
                let attr = c
                    .attribute_named(name)
                    .ok_or(format!("{cap} has no attribute {name}"))?;
                ids.push(attr.id);
            }
            let read = Read {
                endpoint,
                capability: Some(c.id),
                attributes: Seq::from_slice(&ids),
            };
            let got = phone.read(&read).map_err(|e| format!("read: {e}"))?;
            records(&d, &got);
        }
        ["write", ep, cap, attr, text] => {
            let (endpoint, c) = capability(&d, ep, cap)?;
            let a = c
                .attribute_named(attr)
                .ok_or(format!("{cap} has no attribute {attr}"))?;
            let v = value(&a.ty, text)?;
            let w = clients::write(endpoint, &c, a.id, v).map_err(|e| e.to_string())?;
            let version = phone.write(&w).map_err(|e| format!("write: {e}"))?;
            println!("written (data version {version})");
        }
        ["invoke", ep, cap, command, ref fields @ ..] => {
            let (endpoint, c) = capability(&d, ep, cap)?;
            let cd = c
                .commands
                .iter()
                .find(|x| x.name == command)
                .ok_or(format!("{cap} has no command {command}"))?;
            let mut args = Vec::new();
            for f in fields {
                let (name, text) = f
                    .split_once('=')
                    .ok_or(format!("argument {f}: use NAME=VALUE"))?;
                let p = cd
                    .params
                    .iter()
                    .find(|p| p.name == name)
                    .ok_or(format!("{command} has no argument {name}"))?;
                args.push(Field {
                    id: p.id,
                    value: value(&p.ty, text)?,
                });
            }
            let i = clients::invoke(endpoint, &c, cd.id, &args, None).map_err(|e| e.to_string())?;
            let done = phone.invoke(&i).map_err(|e| format!("invoke: {e}"))?;
            println!("{command}: {:?} {:?}", done.status, done.fields);
        }
        ["watch", ep, ref rest @ ..] => {
            let seconds: u64 = rest
                .first()
                .map_or(Ok(30), |s| s.parse())
                .map_err(|_| "seconds")?;
            let endpoint = EndpointId(
                ep.parse()
                    .map_err(|_| format!("not an endpoint number: {ep}"))?,
            );
            let sub = Subscribe {
                events: true,
                ..Subscribe::endpoint(endpoint, 5000)
            };
            let id = phone
                .subscribe(&sub)
                .map_err(|e| format!("subscribe: {e}"))?;
            println!("subscribed ({id}); watching for {seconds} s");
            let end = std::time::Instant::now() + Duration::from_secs(seconds);
            while let Some(left) = end.checked_duration_since(std::time::Instant::now()) {
                match phone.next_notification(left).map_err(|e| e.to_string())? {
                    Some(Notification::Report { records: r, .. }) => {
                        println!("report:");
                        records(&d, &r);
                    }
                    Some(Notification::Event { event, missed }) => {
                        println!(
                            "event {} #{} (missed {missed}): {:?}",
                            event.event.0, event.sequence, event.fields
                        );
                    }
                    Some(Notification::SessionEnded(e)) => {
                        return Err(format!("session ended: {e}"));
                    }
                    Some(Notification::PairingAdded { peer_static, admin }) => {
                        println!(
                            "a phone paired: {} (admin: {admin})",
                            hex::encode(peer_static)
                        );
                    }
                    None => break,
                }
            }
        }
        ["share", ref rest @ ..] => {
            let seconds: u16 = rest
                .first()
                .map_or(Ok(300), |s| s.parse())
                .map_err(|_| "seconds: a number up to 900")?;
            let code = phone.share(seconds).map_err(|e| format!("share: {e}"))?;
            let device_id = phone.phone().device_id().ok_or("no device id")?;
            let info = d.device().info;
            // The discriminator only narrows discovery; draw it from the id.
            let disc =
                Discriminator::new(u16::from_le_bytes([device_id[6], device_id[7]]) & 0x0FFF)
                    .ok_or("discriminator")?;
            let shared = QrPayload {
                vendor_id: info.vendor.0,
                product_id: info.product,
                device_id,
                discriminator: disc,
                setup_code: code,
                transports: Transports::UDP,
                flags: Flags::ONE_TIME,
            };
            println!("window open for {seconds} s for one new phone");
            println!("QR: {}", shared.encode());
            println!("manual code: {}", shared.manual_code().encode());
        }
        ["pairings"] => {
            let me = phone.phone().public_key();
            for (key, admin) in phone
                .list_pairings()
                .map_err(|e| format!("pairings: {e}"))?
            {
                let role = if admin { "admin" } else { "user" };
                let this = if key == me { " (this phone)" } else { "" };
                println!("{} {role}{this}", hex::encode(key));
            }
        }
        ["remove", ref rest @ ..] => {
            let me = phone.phone().public_key();
            let target = match rest.first() {
                None => me,
                Some(prefix) => {
                    let all = phone
                        .list_pairings()
                        .map_err(|e| format!("pairings: {e}"))?;
                    let hits: Vec<_> = all
                        .iter()
                        .filter(|(k, _)| hex::encode(k).starts_with(&prefix.to_lowercase()))
                        .collect();
                    match hits[..] {
                        [(k, _)] => *k,
                        [] => return Err(format!("no pairing's key starts with {prefix}")),
                        _ => return Err(format!("{prefix} names more than one pairing")),
                    }
                }
            };
            phone
                .remove_pairing(target)
                .map_err(|e| format!("remove: {e}"))?;
            println!("removed {}", hex::encode(target));
            if target == me {
                // This phone's own pairing: its session ended with it.
                let ids = phone.phone().store().appliances();
                if let Some(id) = ids.first() {
                    phone
                        .phone_mut()
                        .store_mut()
                        .remove_appliance(id)
                        .map_err(|e| e.to_string())?;
                }
                return Ok(());
            }
        }
        _ => {
            return Err(format!(
                "unknown command {:?} (see the file's docs)",
                a.command
            ));
        }
    }
    phone.close().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("phone: {e}");
            ExitCode::FAILURE
        }
    }
}
