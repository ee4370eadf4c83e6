// A host backend in Node asking Headroom for a prompt, straight from the .proto contracts.
//
//   npm ci && node get-prompt.mjs <account_id> <user_id> <feature_key> [locale]
//
// Environment: HEADROOM_PROMPT_TARGET (default 127.0.0.1:7103), HEADROOM_DEADLINE_MS (default
// 50), HEADROOM_TLS=1 for TLS with the system's roots, HEADROOM_PROTO_DIR (default: the repo's
// proto/src/main/proto). Prints one JSON line: {"prompt": {...}} or {"prompt": null, "reason": ...}.
// Like the Java client it fails open: an error or a missed deadline is "no prompt", never a crash.
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

const PROTO_DIR =
  process.env.HEADROOM_PROTO_DIR ||
  fileURLToPath(new URL('../../../proto/src/main/proto/', import.meta.url));

/** A PromptService client on `target`. */
export function promptService(target, tls) {
  const definition = protoLoader.loadSync('headroom/prompt/v1/prompt_service.proto', {
    includeDirs: [PROTO_DIR],
    keepCase: true, // snake_case field names, as in the .proto and the web component's JSON
    enums: String,
    longs: Number,
    defaults: true,
  });
  const { PromptService } = grpc.loadPackageDefinition(definition).headroom.prompt.v1;
  const credentials = tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
  return new PromptService(target, credentials);
}

/**
 * Asks for a prompt with a hard deadline. Resolves {prompt} or {prompt: null, reason}; never
 * rejects, so the host's request goes on without an offer when Headroom is slow or down.
 */
export function getPrompt(client, request, deadlineMs) {
  return new Promise((resolve) => {
    client.getPrompt(
      request,
      { deadline: new Date(Date.now() + deadlineMs) },
      (error, response) => {
        if (error) {
          resolve({ prompt: null, reason: grpc.status[error.code] || 'ERROR' });
        } else if (response.prompt) {
          resolve({ prompt: response.prompt });
        } else {
          resolve({ prompt: null, reason: response.no_prompt_reason });
        }
      },
    );
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [accountId, userId, featureKey, locale = 'en-US'] = process.argv.slice(2);
  const client = promptService(
    process.env.HEADROOM_PROMPT_TARGET || '127.0.0.1:7103',
    process.env.HEADROOM_TLS === '1',
  );
  const answer = await getPrompt(
    client,
    {
      account_id: accountId,
      user_id: userId,
      feature_key: featureKey || '',
      surface: featureKey ? 'SURFACE_FEATURE_USE' : 'SURFACE_HOME',
      locale,
    },
    Number(process.env.HEADROOM_DEADLINE_MS || 50),
  );
  console.log(JSON.stringify(answer));
  client.close();
}
