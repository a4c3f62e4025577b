export { default as Providers } from './providers';
