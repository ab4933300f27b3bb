//! A phone app: pairs with the lamp, describes it, toggles and dims it,
//! subscribes, closes and resumes.
//!
//! ```text
//! cargo run --example quick_phone [127.0.0.1:5540]
//! ```
use applink::prelude::*;
use core::time::Duration;

fn main() -> Result<(), Box<dyn core::error::Error>> {
    let arg = std::env::args().nth(1);
    let lamp: SocketAddr = arg.as_deref().unwrap_or("127.0.0.1:5540").parse()?;
    let store = FileStore::open(std::env::temp_dir().join(format!("phone-{}", lamp.port())))?;
    let mut phone = Client::new(UdpLink::bind("127.0.0.1:0")?, store)?;
    let device = phone.pair(lamp, "3141-5926")?;
    let name = phone.product_name()?.unwrap_or_default();
    println!("paired with {name}");
    let light = EndpointId(1);
    phone.invoke(&OnOff::new(light).toggle())?;
    phone.invoke(&LevelControl::new(light).move_to_level(200, None)?)?;
    phone.subscribe(&Subscribe::endpoint(light, 5000))?;
    if let Some(report) = phone.next_notification(Duration::from_secs(2))? {
        println!("{report:?}");
    }
    phone.close()?;
    phone.resume(lamp, device)?;
    phone.invoke(&OnOff::new(light).toggle())?;
    println!("resumed in one round trip and toggled the lamp back off");
    Ok(())
}
