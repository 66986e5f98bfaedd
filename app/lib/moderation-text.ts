// Words about moderation that both the server and the browser show. Safe for the browser.

export const CLOSED_MESSAGE = "Comments are closed.";

export const RATE_LIMITED_MESSAGE = "You are posting comments too quickly. Slow down.";
