export const greeting = 'Hello from the Go backend example'
