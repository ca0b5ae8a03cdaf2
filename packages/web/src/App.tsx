import { providerName, signInLabel } from './api.ts';
import { AuthErrorPage } from './pages/AuthErrorPage.tsx';
import { CliLoginPage } from './pages/CliLoginPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { MessagePage } from './pages/MessagePage.tsx';
import { MfaChallengePage } from './pages/MfaChallengePage.tsx';
import { RackPage } from './pages/RackPage.tsx';
import { SecurityPage } from './pages/SecurityPage.tsx';
import { version } from './version.ts';

function Landing() {
  return (
    <main className="landing">
      <h1 className="landing__title">Rack Gateway</h1>
      <p className="landing__tagline">Secure access to your Convox rack.</p>
      <a className="button button--primary" href="/api/v1/auth/web/login?returnTo=%2Fapp%2Frack">
        {signInLabel(providerName())}
      </a>
      <footer className="landing__footer">Version {version}</footer>
    </main>
  );
}

function Page() {
  const path = window.location.pathname.replace(/\/+$/, '');
  switch (path) {
    case '/app/login':
      return <LoginPage />;
    case '/app/auth/error':
      return <AuthErrorPage />;
    case '/app/cli/login':
      return <CliLoginPage />;
    case '/app/cli/success':
      return (
        <MessagePage
          title="CLI login approved"
          text="You can close this window and return to your terminal."
        />
      );
    case '/app/cli/denied':
      return (
        <MessagePage
          title="CLI login denied"
          text="The login was denied. You can close this window."
        />
      );
    case '/app/account/security':
      return <SecurityPage />;
    case '/app/auth/mfa':
      return <MfaChallengePage />;
    case '/app/rack':
      return <RackPage />;
    default:
      return <Landing />;
  }
}

export function App() {
  return <Page />;
}
