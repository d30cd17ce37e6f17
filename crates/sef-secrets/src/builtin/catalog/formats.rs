//! Credentials in general formats: private keys, tokens in headers and URLs, connection strings, and generic assignments (listed last: a more specific rule takes a secret first).

use super::super::{Builtin, Kind};

/// A made-up PEM block of type `$t`.
macro_rules! pem {
    ($t:literal) => {
        concat!(
            "-----BEGIN ",
            $t,
            "-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFc\nzGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE\n-----END ",
            $t,
            "-----\n"
        )
    };
}

pub(super) const FORMATS: &[Builtin] = &[
    // ---- private keys
    raw!(
        "private-key-rsa",
        "RSA private key (PEM)",
        ["-----begin rsa private key"],
        r"-----BEGIN RSA PRIVATE KEY-----\s*((?s:.){40}(?s:.)*?)-----END RSA PRIVATE KEY-----",
        1,
        pem!("RSA PRIVATE KEY"),
        "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
        true,
        None
    ),
    raw!(
        "private-key-ec",
        "EC private key (PEM)",
        ["-----begin ec private key"],
        r"-----BEGIN EC PRIVATE KEY-----\s*((?s:.){40}(?s:.)*?)-----END EC PRIVATE KEY-----",
        1,
        pem!("EC PRIVATE KEY"),
        "-----BEGIN EC PRIVATE KEY-----\n<redacted>\n-----END EC PRIVATE KEY-----",
        true,
        None
    ),
    raw!(
        "private-key-dsa",
        "DSA private key (PEM)",
        ["-----begin dsa private key"],
        r"-----BEGIN DSA PRIVATE KEY-----\s*((?s:.){40}(?s:.)*?)-----END DSA PRIVATE KEY-----",
        1,
        pem!("DSA PRIVATE KEY"),
        "-----BEGIN DSA PRIVATE KEY-----\n-----END DSA PRIVATE KEY-----",
        true,
        None
    ),
    raw!(
        "private-key-pkcs8",
        "Private key (PKCS#8 PEM)",
        ["-----begin private key"],
        r"-----BEGIN PRIVATE KEY-----\s*((?s:.){40}(?s:.)*?)-----END PRIVATE KEY-----",
        1,
        pem!("PRIVATE KEY"),
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0t\n-----END PUBLIC KEY-----",
        true,
        None
    ),
    raw!(
        "private-key-encrypted",
        "Encrypted private key (PKCS#8 PEM)",
        ["-----begin encrypted private key"],
        r"-----BEGIN ENCRYPTED PRIVATE KEY-----\s*((?s:.){40}(?s:.)*?)-----END ENCRYPTED PRIVATE KEY-----",
        1,
        pem!("ENCRYPTED PRIVATE KEY"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n-----END ENCRYPTED PRIVATE KEY-----",
        true,
        None
    ),
    raw!(
        "private-key-openssh",
        "OpenSSH private key",
        ["-----begin openssh private key"],
        r"-----BEGIN OPENSSH PRIVATE KEY-----\s*((?s:.){40}(?s:.)*?)-----END OPENSSH PRIVATE KEY-----",
        1,
        pem!("OPENSSH PRIVATE KEY"),
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFU40zLhzy0hfOb8XKficT9PmrlQmDSJmlFzRMu/hV9b ana@host",
        true,
        None
    ),
    raw!(
        "private-key-pgp",
        "PGP private key block",
        ["-----begin pgp private key block"],
        r"-----BEGIN PGP PRIVATE KEY BLOCK-----\s*((?s:.){40}(?s:.)*?)-----END PGP PRIVATE KEY BLOCK-----",
        1,
        pem!("PGP PRIVATE KEY BLOCK"),
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGVAbCdEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123\n-----END PGP PUBLIC KEY BLOCK-----",
        true,
        None
    ),
    raw!(
        "putty-private-key",
        "PuTTY private key file",
        ["putty-user-key-file"],
        r"PuTTY-User-Key-File-[23]: [a-z0-9-]+\s+Encryption: [a-z0-9-]+\s+Comment: [^\n]*\s+Public-Lines: \d+\s+(?:[A-Za-z0-9+/=]+\s+)+?Private-Lines: \d+\s+((?:[A-Za-z0-9+/=]{20,}\s+)+)",
        1,
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ana@host\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIFU40zLhzy0hfOb8XKficT9Pmr\nlQmDSJmlFzRMu/hV9b\nPrivate-Lines: 1\nAAAAIJm5Kq3vT8zL1pW7xN2cR6dF0gH4jS9aE3uY5iO8pBqW\nPrivate-MAC: 5d2f\n",
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ana@host\n",
        true,
        None
    ),
    // ---- tokens and credentials in general formats
    raw!(
        "jwt",
        "JSON Web Token",
        ["eyj"],
        r"(?:^|[^A-Za-z0-9_\-])(eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,})(?:[^A-Za-z0-9_\-.]|$)",
        1,
        "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFuYSJ9.q3L8vNwZ2kT7pR1xB9cM4dF6gH0jS5aE",
        "header = \"eyJhbGciOiJIUzI1NiJ9\"  # a header alone is not a token",
        false,
        Some(3.0)
    ),
    raw!(
        "bearer-token-header",
        "Bearer token in an Authorization header",
        ["bearer "],
        r#"(?i:authorization)["']?\s*[:=,]\s*["']?(?i:bearer)\s+([A-Za-z0-9_\-.~+/]{20,}=*)"#,
        1,
        "curl -H \"Authorization: Bearer 7fQ2xL9pZ3kV8nT1bW6rC4dH0jS5mA2e\" https://api.acme.io",
        "curl -H \"Authorization: Bearer $TOKEN\" https://api.acme.io",
        false,
        Some(3.5)
    ),
    raw!(
        "basic-auth-header",
        "HTTP Basic credentials in an Authorization header",
        ["basic "],
        r#"(?i:authorization)["']?\s*[:=,]\s*["']?(?i:basic)\s+([A-Za-z0-9+/]{16,}={0,2})"#,
        1,
        "Authorization: Basic YWNtZS1ib3Q6czNjcjN0LVBhc3N3b3JkLTk4Nw==",
        "Authorization: Basic <base64 of user:password>",
        false,
        Some(3.0)
    ),
    raw!(
        "url-password",
        "Password in a URL (user:password@host)",
        ["://"],
        r#"(?i:[a-z][a-z0-9+.\-]{1,20})://[A-Za-z0-9._%\-]{1,64}:([^\s:@/'"`<>{}$]{4,128})@[A-Za-z0-9.\-\[\]]{2,}"#,
        1,
        "REDIS_URL=redis://app:Vx7kQ2pL9zT4@cache.acme.internal:6379/0",
        "REDIS_URL=redis://app:${REDIS_PASSWORD}@cache.acme.internal:6379/0",
        false,
        Some(2.5)
    ),
    raw!(
        "jdbc-password",
        "Password in a JDBC URL",
        ["jdbc:"],
        r"(?i)jdbc:[a-z0-9]+:[^\s]{0,200}?[;?&]password=([^;&\s'\x22]{4,128})",
        1,
        "jdbc:sqlserver://db.acme.io:1433;databaseName=app;user=app;password=Tq8vZ2kL9xP4",
        "jdbc:sqlserver://db.acme.io:1433;databaseName=app;integratedSecurity=true",
        false,
        Some(2.5)
    ),
    raw!(
        "ado-connection-string-password",
        "Password in an ADO.NET / ODBC connection string",
        ["password=", "pwd="],
        r"(?i)(?:server|data source|host|uid|user id)=[^;\n]{1,100};[^\n]{0,200}?(?:password|pwd)=([^;\s'\x22]{4,128})",
        1,
        "Server=db.acme.io;Database=app;User Id=app;Password=Rk4pZ8vT2qL9;",
        "Server=db.acme.io;Database=app;Trusted_Connection=True;",
        false,
        Some(2.5)
    ),
    raw!(
        "ldap-bind-password",
        "LDAP bind password",
        ["bindpw", "bind_password", "bindpassword"],
        r#"(?im)(?:bindpw|bind_password|bindpassword)[\w.\-]{0,10}["']?\s*[=:]\s*["']?([^\s"']{6,128})"#,
        1,
        "ldap_bind_password = \"Mx9kT2vL7qP4\"",
        "ldap_bind_password = \"\"",
        false,
        Some(2.5)
    ),
    raw!(
        "netrc-password",
        "Password in a .netrc file",
        ["machine"],
        r"(?m)machine\s+[^\s]+\s+login\s+[^\s]+\s+password\s+([^\s]{4,128})",
        1,
        "machine api.acme.io login bot password Zq8vL2kT9xP4",
        "machine api.acme.io login bot",
        false,
        Some(2.5)
    ),
    raw!(
        "datasource-password",
        "Password of a Spring / properties datasource",
        ["datasource.password", "datasource_password"],
        r"(?im)datasource[._]password\s*[=:]\s*([^\s$#{}]{4,128})\s*$",
        1,
        "spring.datasource.password=Wq7kL2vZ9xT4",
        "spring.datasource.password=${DB_PASSWORD}",
        false,
        Some(2.5)
    ),
    raw!(
        "maven-settings-password",
        "Password in a Maven settings.xml server entry",
        ["<password>"],
        r"<password>([^<$\s{}]{4,128})</password>",
        1,
        "<server><id>releases</id><username>ci</username><password>Pq8vL3kZ7xT2</password></server>",
        "<server><id>releases</id><username>ci</username><password>${env.REPO_PASSWORD}</password></server>",
        false,
        Some(2.5)
    ),
    raw!(
        "pypirc-password",
        "Password in a .pypirc file",
        ["[pypi]", "[testpypi]", "[distutils]"],
        r"\[(?:pypi|testpypi|distutils)\][^\[]{0,500}?\n[ \t]*password[ \t]*[:=][ \t]*([^\s$%{}]{8,128})[ \t]*(?:\n|$)",
        1,
        "[pypi]\nusername = __token__\npassword = Lk9vT2qZ8xP4mW7r\n",
        "[pypi]\nusername = __token__\npassword = %(PYPI_TOKEN)s\n",
        true,
        Some(3.0)
    ),
    raw!(
        "kubernetes-secret-data",
        "Base64 secret value in a Kubernetes Secret manifest",
        ["kind: secret"],
        r"(?s)kind:\s*Secret.{0,400}?data:\s*\n\s+[\w.\-]+:\s*([A-Za-z0-9+/]{16,}={0,2})",
        1,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: cTdrTDJ2WjlYdDRtUThw\n",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData: {}\n",
        true,
        Some(3.0)
    ),
    // ---- generic assignments
    raw!(
        "generic-password",
        "Password assigned in code or configuration",
        ["pass", "pwd"],
        r#"(?m)(?i:[\w.\-]{0,30}(?:password|passwd|passphrase|pwd)[\w.\-]{0,20})["']?[ \t]{0,3}(?:=|:=|:|=>|,)[ \t]{0,3}["'`]([^"'`\s$<>{}]{8,128})["'`]"#,
        1,
        "db_password = \"Vq7kL2xZ9pT4mR8w\"",
        "db_password = \"changeme\"",
        false,
        Some(3.2)
    ),
    raw!(
        "generic-secret",
        "Secret, token or key assigned in code or configuration",
        [
            "secret",
            "token",
            "apikey",
            "api_key",
            "api-key",
            "access_key",
            "private_key",
            "auth_key",
            "credential"
        ],
        r#"(?m)(?i:[\w.\-]{0,30}(?:secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|auth[_\-]?key|credential)[\w.\-]{0,20})["']?[ \t]{0,3}(?:=|:=|:|=>|,)[ \t]{0,3}["'`]([A-Za-z0-9_\-+/=.~]{16,256})["'`]"#,
        1,
        "client_secret: \"9fQ2xL7pZ3kV8nT1bW6rC4dH\"",
        "client_secret: \"aaaaaaaaaaaaaaaaaaaaaaaa\"",
        false,
        Some(3.5)
    ),
    raw!(
        "generic-env-secret",
        "Secret in a dotenv file",
        ["_key=", "_secret=", "_token=", "_password="],
        r"(?m)^[ \t]*(?:export[ \t]+)?[A-Z][A-Z0-9_]{0,40}(?:_KEY|_SECRET|_TOKEN|_PASSWORD|_PASS)[ \t]*=[ \t]*([A-Za-z0-9_\-+/=.~!@#%^&*]{12,256})[ \t]*$",
        1,
        "STRIPE_WEBHOOK_SECRET=q8Lk2vZ9xT4pW7mR3nB6",
        "STRIPE_WEBHOOK_SECRET=",
        false,
        Some(3.5)
    ),
];
