//! Demo access outside the normal scope: South LCSS covering North reads one North family for
//! a day, with its reason, so North's lead professional and LCSS manager see it in their work
//! lists. Made once.

use super::story::Player;
use anyhow::Context;
use earlyhelp_persistence::pagination::PageRequest;
use earlyhelp_persistence::PgConnection;
use earlyhelp_workflows::access_requests::{self, AccessWindow, RequestAccess};
use earlyhelp_workflows::families;

pub(super) fn write_access_request(conn: &mut PgConnection) -> anyhow::Result<()> {
    if earlyhelp_persistence::access_requests::count(conn)? > 0 {
        return Ok(());
    }
    let lead = Player::load(conn, "practitioner")?;
    let covering = Player::load(conn, "lcss_worker2")?;
    let page = PageRequest::new(None, Some(1)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let family = families::list(conn, &lead.request(), &lead.actor, page)?
        .items
        .into_iter()
        .next()
        .context("no North family to cover")?;
    let command = RequestAccess {
        family: family.family.id,
        reason: "Covering the North LCSS duty desk while the North team is at training".into(),
    };
    access_requests::request(
        conn,
        &covering.request(),
        &covering.actor,
        command,
        AccessWindow::default(),
    )?;
    Ok(())
}
