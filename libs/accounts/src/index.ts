export { Accounts, AccountsErrorCode, NewSession, NewUser, Role, ROLES, TOKEN_PREFIX, TokenView, UserView, sha256 } from './accounts';
export { PASSWORD_MIN_LENGTH, hashPassword, verifyPassword } from './passwords';
export { EffectiveRole, Principal, atLeast, lowerRole, roleIn, roleRank } from './principal';
