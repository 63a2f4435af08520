import type { SimulatorSeed } from './simulator-seed.types.js';

/**
 * The data set loaded when no seed is given: a few vaults with the item shapes Wrk workflows meet (logins with
 * OTP, API credentials, a database, secure notes, files). Fixed ids keep demo scripts and docs stable.
 * It has no tokens, so the simulator mints one with read/write on every vault.
 */
export function demoSeed(): SimulatorSeed {
  return {
    vaults: [
      {
        id: '84ncm7p7cqdk9irwdszfa1tpba',
        name: 'Engineering',
        description: 'Credentials for the engineering team',
        items: [
          {
            id: 'oqewuhy5ja8k22jbnw60m3e1ce',
            title: 'GitHub',
            category: 'LOGIN',
            tags: ['dev', '2fa'],
            urls: [{ href: 'https://github.com/login', primary: true }],
            fields: [
              { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'wrk-bot' },
              { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'c0rrect-Horse-battery-staple' },
              { id: 'oneTimePassword', type: 'OTP', label: 'one-time password', value: 'otpauth://totp/GitHub:wrk-bot?secret=JBSWY3DPEHPK3PXP&issuer=GitHub' },
            ],
          },
          {
            id: 'dc1k96eq2qia94ty6fivo134vu',
            title: 'AWS production',
            category: 'LOGIN',
            tags: ['prod', '2fa'],
            urls: [{ href: 'https://signin.aws.amazon.com/console', primary: true }],
            sections: [{ id: 'accesskeys', label: 'Access keys' }],
            fields: [
              { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'deploy@example.com' },
              { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'Tr0ub4dor&3-prod' },
              { id: 'otp', type: 'OTP', label: 'one-time password', value: 'otpauth://totp/AWS:deploy@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=AWS&period=30&digits=6&algorithm=SHA1' },
              { id: 'accesskeyid', section: { id: 'accesskeys' }, type: 'STRING', label: 'access key id', value: 'AKIAIOSFODNN7EXAMPLE' },
              { id: 'secretaccesskey', section: { id: 'accesskeys' }, type: 'CONCEALED', label: 'secret access key', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
            ],
          },
          {
            id: 'vndga5iu6t7loz7wu41tr0xzyx',
            title: 'Stripe API',
            category: 'API_CREDENTIAL',
            tags: ['prod', 'payments'],
            fields: [
              { id: 'username', type: 'STRING', label: 'username', value: 'acct_1Example' },
              { id: 'credential', type: 'CONCEALED', label: 'credential', value: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc' },
              { id: 'type', type: 'MENU', label: 'type', value: 'bearer' },
              { id: 'hostname', type: 'STRING', label: 'hostname', value: 'api.stripe.com' },
              { id: 'validFrom', type: 'DATE', label: 'valid from', value: '2025-01-01' },
              { id: 'expires', type: 'DATE', label: 'expires', value: '2026-12-31' },
            ],
          },
          {
            id: 'shduf8jn61qvhnyq9ztdq53rdp',
            title: 'Production Postgres',
            category: 'DATABASE',
            tags: ['prod'],
            fields: [
              { id: 'database_type', type: 'MENU', label: 'type', value: 'postgresql' },
              { id: 'hostname', type: 'STRING', label: 'server', value: 'db.prod.internal' },
              { id: 'port', type: 'STRING', label: 'port', value: '5432' },
              { id: 'database', type: 'STRING', label: 'database', value: 'wrk' },
              { id: 'username', type: 'STRING', label: 'username', value: 'wrk_app' },
              { id: 'password', type: 'CONCEALED', label: 'password', value: 'pg-Example-Passw0rd' },
              { id: 'notesPlain', type: 'STRING', purpose: 'NOTES', label: 'notesPlain', value: 'Read replica: db-ro.prod.internal' },
            ],
          },
          {
            id: 'awsoexjqjj0mz8srzjz4bardpd',
            title: 'TLS certificate',
            category: 'SECURE_NOTE',
            tags: ['prod', 'tls'],
            sections: [{ id: 'certs', label: 'Certificates' }],
            fields: [{ id: 'notesPlain', type: 'STRING', purpose: 'NOTES', label: 'notesPlain', value: 'Wildcard certificate for *.example.com, renews every January.' }],
            files: [
              {
                id: '2qt5r4pvnw70qofwp6bpxq23o0',
                name: 'cert.pem',
                section: { id: 'certs' },
                content:
                  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJzekNDQVZtZ0F3SUJBZ0lVU2ltdWxhdG9yRGVtb0NlcnRpZmljYXRlMHdDZ1lJS29aSXpqMEVBd0l3CkVqRVFNQTRHQTFVRUF3d0haR1Z0Ynk1cGJ6QWVGdzB5TlRBeE1ERXdNREF3TURCYUZ3MHlOakF4TURFd01EQXcKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=',
              },
              { id: 'aezxxctgwrg1kuzjw2t5mxkjwz', name: 'logo.png', content: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ/wD+' },
              // Above the default 1 MiB inline limit, so `inline_files=true` answers 413 for this item.
              { id: 'iz6rdn44bl5cdz8ksmkm8ehm52', name: 'backup.tar.gz', generated: true, size: 2 * 1024 * 1024 },
            ],
          },
        ],
      },
      {
        id: 'zbpptgjhj38dd1lhfx1xoqbnwh',
        name: 'Marketing',
        description: 'Social media and campaign tools',
        items: [
          {
            id: 'erk8mgpfxeb1splp9e4fhxjw6e',
            title: 'Twitter',
            category: 'LOGIN',
            tags: ['social', '2fa'],
            urls: [{ href: 'https://x.com/login', primary: true }],
            fields: [
              { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: '@wrk' },
              { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'tw33t-Example-2025' },
              { id: 'otp', type: 'OTP', label: 'one-time password', value: 'otpauth://totp/X:wrk?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=X' },
            ],
          },
          {
            id: 'g99yz4bl06ibnnwyphc3me7eub',
            title: 'Mailchimp API',
            category: 'API_CREDENTIAL',
            tags: ['email'],
            fields: [
              { id: 'credential', type: 'CONCEALED', label: 'credential', value: '0123456789abcdef0123456789abcdef-us21' },
              { id: 'hostname', type: 'STRING', label: 'hostname', value: 'us21.api.mailchimp.com' },
            ],
          },
          {
            id: 'ny7yui6pbxcofmdaq1s4ndbq2i',
            title: 'Brand guidelines',
            category: 'SECURE_NOTE',
            fields: [{ id: 'notesPlain', type: 'STRING', purpose: 'NOTES', label: 'notesPlain', value: 'See the attached brand sheet.' }],
            files: [
              {
                id: 'd85tt7wuizyjybj8xdbal4j7pv',
                name: 'brand.txt',
                content: 'QnJhbmQgY29sb3VyczogIzBBMjU0MCAobmF2eSksICM2MzVCRkYgKHZpb2xldCkuCkxvZ28gY2xlYXIgc3BhY2U6IDF4IHRoZSBsb2dvIGhlaWdodC4K',
              },
            ],
          },
        ],
      },
      {
        id: 'wyxe4ezu9i283bri3yuq2zmtdg',
        name: 'Private',
        description: 'Personal items shared with the workflow account',
        items: [
          {
            id: 'npybp6ztlfx0rj54mnl0opwg6s',
            title: 'Home Wi-Fi',
            category: 'WIRELESS_ROUTER',
            fields: [
              { id: 'name', type: 'STRING', label: 'base station name', value: 'wrk-home' },
              { id: 'network_name', type: 'STRING', label: 'network name', value: 'wrk-5G' },
              { id: 'wireless_password', type: 'CONCEALED', label: 'wireless network password', value: 'wifi-Example-pass' },
            ],
          },
          {
            id: 'ei8x30yf1bjoqshet7muz3txwd',
            title: 'Company card',
            category: 'CREDIT_CARD',
            fields: [
              { id: 'cardholder', type: 'STRING', label: 'cardholder name', value: 'Wrk Inc' },
              { id: 'ccnum', type: 'CREDIT_CARD_NUMBER', label: 'number', value: '4242424242424242' },
              { id: 'cvv', type: 'CONCEALED', label: 'verification number', value: '123' },
              { id: 'expiry', type: 'MONTH_YEAR', label: 'expiry date', value: '202812' },
            ],
          },
          {
            id: 'nxh0jv1qt97ky53ulstvtm20ed',
            title: 'Passport',
            category: 'PASSPORT',
            fields: [
              { id: 'number', type: 'STRING', label: 'number', value: 'X1234567' },
              { id: 'issue_date', type: 'DATE', label: 'issued on', value: '2020-03-15' },
              { id: 'expiry_date', type: 'DATE', label: 'expiry date', value: '2030-03-14' },
            ],
          },
        ],
      },
    ],
  };
}
