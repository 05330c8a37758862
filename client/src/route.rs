//! The few pages of the client and their URLs, without a routing framework:
//! `/` (home), `/j/CODE` (join link), `/w/ID` (a workshop's board), `/w/ID/report`
//! (its case file).

use atelier_shared::WorkshopId;
use leptos::prelude::*;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::*;

use crate::browser::window;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Home,
    Join(String),
    Board(WorkshopId),
    Report(WorkshopId),
    NotFound,
}

impl Route {
    pub fn parse(path: &str) -> Route {
        let parts: Vec<&str> = path
            .trim_matches('/')
            .split('/')
            .filter(|p| !p.is_empty())
            .collect();
        match parts.as_slice() {
            [] => Route::Home,
            ["j", code] => Route::Join((*code).to_owned()),
            ["w", id] => id.parse().map(Route::Board).unwrap_or(Route::NotFound),
            ["w", id, "report"] => id.parse().map(Route::Report).unwrap_or(Route::NotFound),
            _ => Route::NotFound,
        }
    }

    pub fn path(&self) -> String {
        match self {
            Route::Home | Route::NotFound => "/".into(),
            Route::Join(code) => format!("/j/{code}"),
            Route::Board(id) => format!("/w/{id}"),
            Route::Report(id) => format!("/w/{id}/report"),
        }
    }

    pub fn current() -> Route {
        Route::parse(&window().location().pathname().unwrap_or_default())
    }
}

/// Keeps the route signal in step with the address bar (back and forward buttons).
pub fn provide_router() -> RwSignal<Route> {
    let route = RwSignal::new(Route::current());
    let on_pop = Closure::<dyn Fn()>::new(move || route.set(Route::current()));
    window().set_onpopstate(Some(on_pop.as_ref().unchecked_ref()));
    // The listener lives as long as the page.
    on_pop.forget();
    provide_context(route);
    route
}

/// Goes to another page without reloading.
pub fn navigate(to: Route) {
    go(expect_context::<RwSignal<Route>>(), to);
}

/// [`navigate`] with the router in hand (from a task, where there is no context).
pub fn go(router: RwSignal<Route>, to: Route) {
    if let Ok(history) = window().history() {
        let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&to.path()));
    }
    router.set(to);
}
