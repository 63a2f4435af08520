export enum Role {
  Admin = 'admin',
  Operator = 'operator',
  Auditor = 'auditor',
}
