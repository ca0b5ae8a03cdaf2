import { version } from './version.ts';

export function App() {
  return (
    <main className="landing">
      <h1 className="landing__title">Rack Gateway</h1>
      <p className="landing__tagline">Secure access to your Convox rack.</p>
      <a className="button button--primary" href="/api/v1/auth/web/login?returnTo=%2Fapp%2Frack">
        Sign in
      </a>
      <footer className="landing__footer">Version {version}</footer>
    </main>
  );
}
