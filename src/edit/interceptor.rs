//! The app's own interceptor composed with the provider's middleware.
