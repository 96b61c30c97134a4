// A real OpenID Connect provider standing in for Microsoft Entra ID locally and in tests, the way Azurite stands in
// for Blob: the certified oidc-provider package, authorization code with PKCE, access tokens as JWTs for our API's
// audience (resource indicators), and one development user per role. Development only: its signing keys and cookie
// keys are throwaway, its login form accepts the dev users' names with any password.
//
//   node tools/oidc/provider.mjs   (PIT_OIDC_PORT, default a free port; PIT_OIDC_AUDIENCE, default api://pit-platform;
//                                   PIT_OIDC_OPERATOR_ROLE, default Pit.Operator; PIT_OIDC_OTHER_AUDIENCES, none)
// Prints "Identity provider: http://127.0.0.1:PORT" and the dev users, then serves until killed.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import Provider, { errors } from 'oidc-provider';

const audience = process.env.PIT_OIDC_AUDIENCE || 'api://pit-platform';
const operatorRole = process.env.PIT_OIDC_OPERATOR_ROLE || 'Pit.Operator';
const clientId = process.env.PIT_OIDC_CLIENT_ID || 'pit-local';
// Other APIs' audiences the provider also issues tokens for (tests ask for one to prove ours refuses it).
const otherAudiences = (process.env.PIT_OIDC_OTHER_AUDIENCES || '').split(',').filter(Boolean);

// One user per role. Tenant roles come from memberships in Postgres, not from the provider; the operator is the only
// role the provider asserts (an app role, as Entra ID puts it in the token's roles claim).
const users = {
  'ada-admin': { name: 'Ada Admin', email: 'ada@demo.example', roles: [] },
  'abe-approver': { name: 'Abe Approver', email: 'abe@demo.example', roles: [] },
  'vic-viewer': { name: 'Vic Viewer', email: 'vic@demo.example', roles: [] },
  'ola-operator': { name: 'Ola Operator', email: 'ola@platform.example', roles: [operatorRole] },
  'oto-operator': { name: 'Oto Operator', email: 'oto@platform.example', roles: [operatorRole] },
};

async function freePort() {
  const requested = Number(process.env.PIT_OIDC_PORT || 0);
  if (requested > 0) return requested;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    application_type: 'native', // loopback redirect URIs on any port, as a CLI or a test uses
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  pkce: { required: () => true },
  // The tenant console (a page on the local host, any loopback port) calls the token endpoint from the browser.
  clientBasedCORS: (ctx, origin) => /^http:\/\/127\.0\.0\.1(:\d+)?$/.test(origin),
  cookies: { keys: [randomBytes(32).toString('base64url')] }, // a new key per start: no secret in the code
  claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
  findAccount: async (ctx, sub) => users[sub] && {
    accountId: sub,
    claims: async () => ({ sub, name: users[sub].name, email: users[sub].email }),
  },
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => {
        if (resource !== audience && !otherAudiences.includes(resource)) throw new errors.InvalidTarget();
        return { scope: 'access', audience: resource, accessTokenTTL: 600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  // Entra ID's access tokens carry the person's name, e-mail (preferred_username) and app roles; so do ours.
  extraTokenClaims: async (ctx, token) => {
    const user = users[token.accountId];
    return user ? { name: user.name, preferred_username: user.email, roles: user.roles } : {};
  },
});
provider.proxy = false;

provider.listen(port, '127.0.0.1', () => {
  console.log(`Identity provider: ${issuer}`);
  console.log(`  client ${clientId} (public, PKCE), audience ${audience}, operator app role ${operatorRole}`);
  for (const [login, user] of Object.entries(users))
    console.log(`  dev user ${login} (${user.email})${user.roles.length ? ` roles ${user.roles.join(',')}` : ''}`);
});

// Started by the local host or a test with a pipe on stdin: when that process dies, however abruptly, the pipe closes
// and the provider goes with it instead of lingering.
if (!process.stdin.isTTY) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
